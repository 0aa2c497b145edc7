"""``python -m indicators`` runs the command line."""

from indicators.cli import main

if __name__ == "__main__":
    main()
