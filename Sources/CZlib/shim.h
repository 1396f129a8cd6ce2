#ifndef TOUCHSTONE_CZLIB_SHIM_H
#define TOUCHSTONE_CZLIB_SHIM_H
#include <zlib.h>

/// `inflateInit2(strm, 15 + 16)`: a gzip member (the macro is not visible to Swift).
static inline int touchstone_inflate_init_gzip(z_streamp strm) {
    return inflateInit2(strm, 15 + 16);
}
#endif
