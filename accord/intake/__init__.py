"""Intake channels of the desk. ``accord.intake.mail`` is plain Python (no Django): the
parser, loop rules and IMAP fetcher; the Django app of this package wires them in."""
