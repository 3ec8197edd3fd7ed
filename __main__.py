"""`python -m gapcheck`: the same command line as `gapcheck`."""
from .cli import console

console()
