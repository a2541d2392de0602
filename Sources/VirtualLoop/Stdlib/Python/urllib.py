"""The urllib package: its submodule parse."""
