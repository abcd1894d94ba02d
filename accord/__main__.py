from accord.cli import main

raise SystemExit(main())
