"""``python -m bot`` is ``securebase``."""

from bot.cli import main

main()
