"""json.encoder: the encoder's names (vloop's json keeps its decoder, encoder
and scanner in the package's own module; see json.py)."""
from json import ESCAPE_DCT, INFINITY, JSONEncoder, encode_basestring, encode_basestring_ascii
