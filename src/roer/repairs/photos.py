"""Photos a tenant adds to a repair request: images only, size-limited, re-encoded, without location data.

`photo_accept` decodes the upload with Pillow and encodes the pixels again as a fresh JPEG. Nothing of the
original file survives but the pixels: no EXIF (so no GPS position, no camera serial), no XMP, no ICC
profile, no comments, no hidden payload after the image data. The orientation the camera wrote in EXIF is
applied to the pixels first, so the photo still stands upright.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from roer.repairs.constants import PHOTO_JPEG_QUALITY, PHOTO_MAX_BYTES, PHOTO_MAX_PIXELS, PHOTO_MAX_SIDE

# Pillow's format names we take in. HEIC (iPhone) needs a Pillow plugin (pillow-heif) that Roer does not
# ship: it is refused with a message that says how to send the photo instead.
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})


class PhotoRefused(ValueError):
    """The upload is not a photo Roer takes; the message is for the tenant."""


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes  # a JPEG without any metadata
    width: int
    height: int
    source_format: str


def _read(file: IO[bytes] | bytes, limit: int) -> bytes:
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise PhotoRefused(
            _("This photo is too large. Send a photo of at most %(mb)s MB.") % {"mb": f"{limit / 2**20:g}"}
        )
    if not data:
        raise PhotoRefused(_("This file is empty."))
    return data


def _looks_like_heic(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in {
        b"heic",
        b"heix",
        b"hevc",
        b"heim",
        b"heis",
        b"mif1",
        b"msf1",
    }


def _looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head


def photo_accept(
    file: IO[bytes] | bytes,
    *,
    max_bytes: int = PHOTO_MAX_BYTES,
    max_side: int = PHOTO_MAX_SIDE,
    max_pixels: int = PHOTO_MAX_PIXELS,
) -> CleanPhoto:
    """The photo, cleaned: a JPEG of at most `max_side` pixels on its longest side, without metadata.

    Raises `PhotoRefused` (with a message for the tenant) for a file that is too large, not an image, an
    SVG, a HEIC photo, or a decompression bomb (more than `max_pixels` pixels)."""
    data = _read(file, max_bytes)
    if _looks_like_svg(data):
        raise PhotoRefused(_("Drawings (SVG) are not accepted. Send a photo (JPEG, PNG or WebP)."))
    if _looks_like_heic(data):
        raise PhotoRefused(
            _(
                "iPhone photos in HEIC format are not accepted yet. Set your camera to 'Most compatible' "
                "(JPEG), or send a screenshot of the photo."
            )
        )
    try:
        with warnings.catch_warnings():
            # A DecompressionBombWarning (more than MAX_IMAGE_PIXELS) becomes an error, as does twice it.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_FORMATS)) as image:
                source_format = str(image.format)
                width, height = image.size
                if width * height > max_pixels:
                    raise PhotoRefused(_("This photo has too many pixels. Send a smaller photo."))
                image.load()
                cleaned = _clean(image, max_side)
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused(_("This photo has too many pixels. Send a smaller photo.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoRefused(_("This file is not a photo. Send a photo (JPEG, PNG or WebP).")) from None
    out = io.BytesIO()
    cleaned.save(out, format="JPEG", quality=PHOTO_JPEG_QUALITY, optimize=True)
    return CleanPhoto(out.getvalue(), cleaned.width, cleaned.height, source_format)


def _clean(image: Image.Image, max_side: int) -> Image.Image:
    upright = ImageOps.exif_transpose(image) or image
    if upright.mode in ("RGBA", "LA") or (upright.mode == "P" and "transparency" in upright.info):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    pixels = upright.convert("RGB")
    pixels.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # A new image from the pixels alone: no info dict, no EXIF, no ICC profile travels along.
    fresh = Image.new("RGB", pixels.size)
    fresh.paste(pixels)
    return fresh
