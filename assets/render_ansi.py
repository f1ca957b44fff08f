"""Renders an ANSI screen capture (`tmux capture-pane -e -p`) to a PNG, to show the terminal UI.

    tmux capture-pane -e -p -t SESSION > screen.ansi
    python3 assets/render_ansi.py screen.ansi assets/screenshot.png

Needs Pillow and the DejaVu Sans Mono font (Debian: fonts-dejavu-core). Handles the SGR codes the
UI uses: reset, bold, reverse, 16/256-colour and 24-bit foreground and background.
"""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
SIZE, CELL_W, CELL_H = 15, 9, 18
DEFAULT_FG, DEFAULT_BG = (220, 220, 220), (24, 24, 28)
BASE16 = [(0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16), (36, 114, 200), (188, 63, 188),
          (17, 168, 205), (229, 229, 229), (102, 102, 102), (241, 76, 76), (35, 209, 139),
          (245, 245, 67), (59, 142, 234), (214, 112, 214), (41, 184, 219), (255, 255, 255)]


def xterm(index):
    if index < 16:
        return BASE16[index]
    if index < 232:
        index -= 16
        levels = [0, 95, 135, 175, 215, 255]
        return levels[index // 36], levels[(index // 6) % 6], levels[index % 6]
    grey = 8 + 10 * (index - 232)
    return grey, grey, grey


def parse(text):
    """Yields rows of (char, fg, bg, bold) cells."""
    for line in text.split("\n"):
        fg, bg, bold, reverse, row = DEFAULT_FG, DEFAULT_BG, False, False, []
        for token in re.split(r"(\x1b\[[0-9;:]*m)", line):
            if not token.startswith("\x1b["):
                for ch in token:
                    row.append((ch, bg if reverse else fg, fg if reverse else bg, bold))
                continue
            codes = [int(c) if c else 0 for c in re.split("[;:]", token[2:-1])] or [0]
            i = 0
            while i < len(codes):
                c = codes[i]
                if c == 0:
                    fg, bg, bold, reverse = DEFAULT_FG, DEFAULT_BG, False, False
                elif c == 1:
                    bold = True
                elif c == 7:
                    reverse = True
                elif c == 22:
                    bold = False
                elif c == 27:
                    reverse = False
                elif 30 <= c <= 37 or 90 <= c <= 97:
                    fg = BASE16[c - 30 if c < 90 else c - 82]
                elif 40 <= c <= 47 or 100 <= c <= 107:
                    bg = BASE16[c - 40 if c < 100 else c - 92]
                elif c == 39:
                    fg = DEFAULT_FG
                elif c == 49:
                    bg = DEFAULT_BG
                elif c in (38, 48) and i + 1 < len(codes):
                    if codes[i + 1] == 5:
                        colour, i = xterm(codes[i + 2]), i + 2
                    else:
                        colour, i = tuple(codes[i + 2:i + 5]), i + 4
                    if c == 38:
                        fg = colour
                    else:
                        bg = colour
                i += 1
        yield row


def main():
    rows = list(parse(open(sys.argv[1], encoding="utf-8").read().rstrip("\n")))
    width = max(len(r) for r in rows)
    image = Image.new("RGB", (width * CELL_W, len(rows) * CELL_H), DEFAULT_BG)
    draw = ImageDraw.Draw(image)
    fonts = {False: ImageFont.truetype(FONT, SIZE), True: ImageFont.truetype(BOLD, SIZE)}
    for y, row in enumerate(rows):
        for x, (ch, fg, bg, bold) in enumerate(row):
            box = (x * CELL_W, y * CELL_H, (x + 1) * CELL_W - 1, (y + 1) * CELL_H - 1)
            draw.rectangle(box, fill=bg)
            if ch == "▀":  # draw half blocks exactly, so faces are not at the font's mercy
                draw.rectangle((box[0], box[1], box[2], box[1] + CELL_H // 2 - 1), fill=fg)
            elif ch == "▄":
                draw.rectangle((box[0], box[1] + CELL_H // 2, box[2], box[3]), fill=fg)
            elif ch == "█":
                draw.rectangle(box, fill=fg)
            elif 0x2800 < ord(ch) <= 0x28FF:  # braille: draw the dots (few monospace fonts have them)
                bits = ord(ch) - 0x2800
                for bit, (dx, dy) in enumerate([(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (0, 3), (1, 3)]):
                    if bits & (1 << bit):
                        cx = box[0] + 2 + dx * 4
                        cy = box[1] + 2 + dy * 4
                        draw.rectangle((cx, cy, cx + 2, cy + 2), fill=fg)
            elif ch != " ":
                draw.text((x * CELL_W, y * CELL_H + 1), ch, font=fonts[bold], fill=fg)
    image.save(sys.argv[2])


if __name__ == "__main__":
    main()
