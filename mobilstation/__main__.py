"""``python -m mobilstation`` runs the command line (same as the ``mobilstation`` script)."""

from mobilstation.cli import main

if __name__ == "__main__":
    main()
