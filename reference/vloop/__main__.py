"""python3 -m vloop [--check] [--path DIR]... FILE: runs FILE under CPython's
asyncio with vloop's simulated world (see the package's docstring)."""
import os
import sys

from vloop import main

rc = main()
sys.stdout.flush()
sys.stderr.flush()
# No interpreter teardown: collecting leftover tasks would run trace code after the run ended.
os._exit(rc)
