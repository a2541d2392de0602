"""json.decoder: the decoder's names (vloop's json keeps its decoder, encoder
and scanner in the package's own module; see json.py)."""
from json import BACKSLASH, JSONDecodeError, JSONDecoder, NaN, NegInf, PosInf, WHITESPACE_STR, scanstring

__all__ = ['JSONDecoder', 'JSONDecodeError']
