"""The urllib package: vloop provides its submodule parse."""
