#!/usr/bin/env python3
"""Makes the label-photo fixtures of tests/vision: labels as customers photograph them (rotated,
in perspective, blurred, noisy, low contrast, on brushed metal, JPEG 60-80), plus hostile files.

Run once; the images are committed (the tests do not run this). Needs Debian's imagemagick, zint,
qrencode and fonts-dejavu-core / fonts-wqy-microhei; Python 3 standard library only.
    tests/data/images/make-fixtures.py [OUTDIR]   (default: this script's directory)
The output is deterministic for a given ImageMagick (noise is seeded)."""
import os
import struct
import subprocess
import sys
import tempfile
import zlib

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
TMP = tempfile.mkdtemp(prefix="vision-fixtures-")
SANS = "DejaVu-Sans-Bold"
CJK = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def run(*args):
    subprocess.run([str(a) for a in args], check=True)


def tmp(name):
    return os.path.join(TMP, name)


def metal(path, w, h, seed):
    """Brushed aluminium: grey, uniform noise smeared along one direction, a soft light gradient."""
    # Noise drawn narrow and stretched wide: streaks along the brushing (cheaper than motion-blur).
    run("/usr/bin/convert", "-seed", seed, "-size", f"{max(w // 60, 8)}x{h}", "xc:#8c9094",
        "-attenuate", "1.5", "+noise", "Uniform", "-resize", f"{w}x{h}!", "-background", "#8c9094", "-rotate", "2",
        "-gravity", "center", "-crop", f"{w}x{h}+0+0", "+repage",
        "(", "-size", f"{w}x{h}", "gradient:#c4c8cc-#4e5256", ")",
        "-compose", "Overlay", "-composite", path)


def label(path, lines, code=None, qr=None, font=SANS, cjk_line=None):
    """A white-silver adhesive label, 1100 px wide: text lines, then a barcode or a QR code."""
    parts = []
    y = 40
    draw = []
    if cjk_line:
        draw += ["-font", CJK, "-pointsize", "46", "-annotate", f"+50+{y + 46}", cjk_line]
        y += 80
    for text in lines:
        draw += ["-font", font, "-pointsize", "44", "-annotate", f"+50+{y + 44}", text]
        y += 72
    height = y + 40
    if code:
        run("zint", "-b", "20", "-d", code, "--notext", "--scale", "2", "--height", "40",
            "--whitesp", "10", "-o", tmp("code.png"))
        parts = ["(", tmp("code.png"), ")", "-geometry", f"+50+{y + 10}", "-composite"]
        height = y + 10 + 160 + 40
    if qr:
        run("qrencode", "-s", "9", "-m", "2", "-o", tmp("qr.png"), qr)
        parts = ["(", tmp("qr.png"), ")", "-geometry", f"+700+{40}", "-composite"]
        height = max(height, 380)
    run("/usr/bin/convert", "-size", f"1100x{height}", "xc:#f2f2ee", "-fill", "#1a1a1a",
        *draw, *parts, "-bordercolor", "#d8d8d2", "-border", "6", path)


def photo(label_png, out, w, h, angle, quality, seed, blur=1.2, contrast="22%,82%", exif_turn=None):
    """Puts the label on metal like a hand-held phone photo: rotation, perspective, blur, noise,
    washed-out contrast, JPEG. exif_turn=90 stores the pixels turned with EXIF Orientation 6."""
    metal(tmp("bg.png"), w, h, seed)
    lw = int(w * 0.55)
    run("/usr/bin/convert", label_png, "-resize", f"{lw}x", tmp("lab0.png"))
    lh = int(subprocess.run(["/usr/bin/identify", "-format", "%h", tmp("lab0.png")], check=True,
                            capture_output=True, text=True).stdout)
    # Perspective: the top edge a little narrower than the bottom (camera below the label).
    quad = (f"0,0 {lw * 0.04:.0f},{lh * 0.04:.0f}  {lw},0 {lw * 0.96:.0f},0  "
            f"0,{lh} 0,{lh}  {lw},{lh} {lw},{lh * 0.97:.0f}")
    run("/usr/bin/convert", tmp("lab0.png"), "-alpha", "set", "-virtual-pixel", "transparent",
        "-distort", "Perspective", quad, "-background", "none", "-rotate", angle, tmp("lab.png"))
    run("/usr/bin/convert", tmp("bg.png"), tmp("lab.png"), "-gravity", "center", "-geometry",
        f"+{w // 20}-{h // 25}", "-composite", "-blur", f"0x{blur}", "-seed", seed,
        "-attenuate", "0.35", "+noise", "Gaussian", "+level", contrast, tmp("shot.png"))
    if exif_turn:
        # The phone was held sideways: pixels stay as the sensor saw them, EXIF says how to turn.
        run("/usr/bin/convert", tmp("shot.png"), "-rotate", f"-{exif_turn}", "-quality", quality,
            "-sampling-factor", "2x2", tmp("turned.jpg"))
        # ImageMagick writes no EXIF block of its own; exiftool is not in the image, so splice one.
        with_exif_orientation(tmp("turned.jpg"), out, 6)
    else:
        run("/usr/bin/convert", tmp("shot.png"), "-quality", quality, "-sampling-factor", "2x2", out)


def with_exif_orientation(src, dst, orientation):
    """Copies a JPEG, inserting an APP1 Exif segment whose only tag is Orientation."""
    with open(src, "rb") as f:
        data = f.read()
    tiff = b"MM\0\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0)
    body = b"Exif\0\0" + tiff
    app1 = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    with open(dst, "wb") as f:
        f.write(data[:2] + app1 + data[2:])


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def declared_huge_png(path):
    """A PNG whose header declares 20000x20000 RGB (1.2 GB decoded) followed by a little data:
    the pixel limit must refuse it from the header, before any decoding."""
    ihdr = struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" + b"\xff" * 60000, 9)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat))


def main():
    model = "Model: SYS-2029U-TR4"
    label(tmp("l128.png"), [model, "S/N: RCS25A0001234"], code="RCS25A0001234")
    photo(tmp("l128.png"), os.path.join(OUT, "label-code128-photo.jpg"), 2400, 1800, 17, 72, 11)
    photo(tmp("l128.png"), os.path.join(OUT, "label-code128-small.jpg"), 800, 600, -9, 65, 12,
          blur=0.6)
    label(tmp("lqr.png"), ["Model: AS-1114S", "S/N: RCS25L0112346"], qr="SN:RCS25L0112346")
    photo(tmp("lqr.png"), os.path.join(OUT, "label-qr.jpg"), 1600, 1200, 28, 68, 13)
    label(tmp("ltxt.png"), ["Model: SYS-6029P-WTR", "S/N: RCS25E0056790"],
          cjk_line="序列号 RCS25E0056790")
    photo(tmp("ltxt.png"), os.path.join(OUT, "label-text.jpg"), 2000, 1500, 6, 78, 14,
          blur=0.8, contrast="15%,85%")
    photo(tmp("ltxt.png"), os.path.join(OUT, "label-text-exif6.jpg"), 1600, 1200, -4, 75, 15,
          blur=0.7, contrast="15%,85%", exif_turn=90)
    # HEIC as an iPhone sends it (libheif's x265 encoder through ImageMagick).
    photo(tmp("l128.png"), tmp("heic-src.jpg"), 1600, 1200, 12, 90, 16)
    run("/usr/bin/convert", tmp("heic-src.jpg"), "-quality", "60", os.path.join(OUT, "label-code128.heic"))
    # A photo of the machine's lid with no label on it.
    metal(tmp("nolabel.png"), 1600, 1200, 17)
    run("/usr/bin/convert", tmp("nolabel.png"), "-fill", "#2a2a2a", "-draw", "circle 200,200 230,230",
        "-draw", "circle 1400,200 1430,230", "-blur", "0x1", "-quality", "70",
        os.path.join(OUT, "no-label.jpg"))
    # Hostile or broken files.
    with open(os.path.join(OUT, "label-code128-small.jpg"), "rb") as f:
        whole = f.read()
    with open(os.path.join(OUT, "truncated.jpg"), "wb") as f:
        f.write(whole[: len(whole) * 2 // 5])
    with open(os.path.join(OUT, "not-an-image.png"), "w") as f:
        f.write("SN: RCS25A0001234\nThis is a text file that a mail client named .png\n")
    declared_huge_png(os.path.join(OUT, "huge-declared.png"))


if __name__ == "__main__":
    main()
