"""`python -m gapcheck`: the same command line as `gapcheck`."""
from .cli import main

main(prog_name="gapcheck")
