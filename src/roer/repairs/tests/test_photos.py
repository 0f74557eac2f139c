import io

import pytest
from django.utils import translation
from PIL import Image

from roer.repairs.photos import PhotoRefused, photo_accept

GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def jpeg_with_gps(size=(640, 480)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 1  # Orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 5.0, 30.0), 3: "E", 4: (5.0, 7.0, 10.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_the_fixture_really_carries_gps():
    with Image.open(io.BytesIO(jpeg_with_gps())) as image:
        assert image.getexif().get_ifd(GPS_IFD)


def test_location_data_and_all_exif_are_gone():
    clean = photo_accept(jpeg_with_gps())
    with Image.open(io.BytesIO(clean.content)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"Exif" not in clean.content[:200]
    assert b"PhoneMaker" not in clean.content
    assert (clean.width, clean.height) == (640, 480)


def test_the_camera_orientation_is_applied_to_the_pixels():
    image = Image.new("RGB", (400, 200), (0, 0, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    clean = photo_accept(out.getvalue())
    assert (clean.width, clean.height) == (200, 400)


def test_png_is_re_encoded_as_jpeg_and_transparency_flattened():
    image = Image.new("RGBA", (300, 100), (0, 128, 0, 128))
    image.info["comment"] = "hello"
    out = io.BytesIO()
    image.save(out, format="PNG")
    clean = photo_accept(out.getvalue())
    assert clean.source_format == "PNG"
    assert clean.content.startswith(b"\xff\xd8")
    with Image.open(io.BytesIO(clean.content)) as result:
        assert result.mode == "RGB"


def test_webp_is_accepted():
    out = io.BytesIO()
    Image.new("RGB", (50, 50)).save(out, format="WEBP")
    assert photo_accept(out.getvalue()).source_format == "WEBP"


def test_large_photos_are_scaled_to_2000_on_the_longest_side():
    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), (10, 10, 10)).save(out, format="JPEG")
    clean = photo_accept(out.getvalue())
    assert (clean.width, clean.height) == (2000, 1500)


def test_a_decompression_bomb_is_refused():
    # A tiny PNG that claims 30 000 x 30 000 pixels (900 megapixels).
    out = io.BytesIO()
    Image.new("1", (30000, 30000)).save(out, format="PNG")
    assert len(out.getvalue()) < 1_000_000
    with pytest.raises(PhotoRefused, match="too many pixels"):
        photo_accept(out.getvalue())


def test_a_bomb_past_pillows_own_limit_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    out = io.BytesIO()
    Image.new("RGB", (100, 100)).save(out, format="PNG")
    with pytest.raises(PhotoRefused, match="too many pixels"):
        photo_accept(out.getvalue())


def test_svg_is_refused():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(PhotoRefused, match="SVG"):
        photo_accept(svg)


def test_a_non_image_is_refused():
    with pytest.raises(PhotoRefused, match="not a photo"):
        photo_accept(b"%PDF-1.7 not a photo at all")


def test_gif_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    with pytest.raises(PhotoRefused, match="not a photo"):
        photo_accept(out.getvalue())


def test_heic_is_refused_with_a_clear_message():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100
    with pytest.raises(PhotoRefused, match="HEIC"):
        photo_accept(heic)


def test_too_large_a_file_is_refused():
    with pytest.raises(PhotoRefused, match="too large"):
        photo_accept(io.BytesIO(b"\xff\xd8" + b"\x00" * 2048), max_bytes=1024)
