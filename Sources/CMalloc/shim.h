#ifndef TOUCHSTONE_CMALLOC_SHIM_H
#define TOUCHSTONE_CMALLOC_SHIM_H
// glibc's allocator options (`mallopt`), which the Glibc module does not include.
#include <malloc.h>
#endif
