// CSupport's functions are static inline, in include/CSupport.h: this file
// only gives the target a source, as SwiftPM requires.
