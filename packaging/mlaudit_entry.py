"""Entry point of the PyInstaller bundle: the same CLI as the ``mlaudit`` console script."""

from mlaudit.cli import main

if __name__ == "__main__":
    main()
