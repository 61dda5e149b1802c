"""`python -m embedlab` runs the command line."""

from embedlab.cli import main

main()
