// ncursesw with its wide-character (cchar_t, setcchar, init_extended_pair) API visible.
#ifndef DCGAN_CNCURSES_SHIM_H
#define DCGAN_CNCURSES_SHIM_H
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <ncursesw/ncurses.h>

// Macros and globals Swift can't import (or, for globals, can't use under strict
// concurrency), wrapped as functions. Only the UI thread calls them.

static inline WINDOW *dcgan_stdscr(void) { return stdscr; }
static inline WINDOW *dcgan_curscr(void) { return curscr; }
static inline int dcgan_colors(void) { return COLORS; }
static inline int dcgan_color_pairs(void) { return COLOR_PAIRS; }
static inline void dcgan_getmaxyx(WINDOW *win, int *rows, int *cols) {
    int y, x;
    getmaxyx(win, y, x);
    *rows = y;
    *cols = x;
}

static inline attr_t dcgan_a_normal(void) { return A_NORMAL; }
static inline attr_t dcgan_a_bold(void) { return A_BOLD; }
static inline attr_t dcgan_a_dim(void) { return A_DIM; }
static inline attr_t dcgan_a_reverse(void) { return A_REVERSE; }
static inline attr_t dcgan_a_underline(void) { return A_UNDERLINE; }

static inline int dcgan_key_code_yes(void) { return KEY_CODE_YES; }
static inline int dcgan_key_resize(void) { return KEY_RESIZE; }
static inline int dcgan_key_left(void) { return KEY_LEFT; }
static inline int dcgan_key_right(void) { return KEY_RIGHT; }
static inline int dcgan_key_up(void) { return KEY_UP; }
static inline int dcgan_key_down(void) { return KEY_DOWN; }
static inline int dcgan_key_btab(void) { return KEY_BTAB; }
static inline int dcgan_key_backspace(void) { return KEY_BACKSPACE; }
static inline int dcgan_key_enter(void) { return KEY_ENTER; }

// nl_langinfo's CODESET is an enum constant behind a macro in glibc.
static inline const char *dcgan_locale_codeset(void) { return nl_langinfo(CODESET); }
#endif
