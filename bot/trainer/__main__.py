"""`python -m bot.trainer`: the trainer's command line (see bot/trainer/cli.py)."""

import sys

from bot.trainer.cli import main

if __name__ == "__main__":
    sys.exit(main())
