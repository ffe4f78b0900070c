"""A picture whose file name was written in NFD (macOS) is served under its NFC name too."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from lms.models import Role
from tests.catalog.helpers import PNG

NAME = "kylbox-å.png"
NFD = unicodedata.normalize("NFD", NAME)


def test_nfd_file_name_is_served_in_either_form(client, login_as, make_picture_course):
    make_picture_course(extra=NFD)  # the file and the module's link are both NFD
    login_as(Role.learner)
    page = client.get("/courses/pictures/module-1/").get_data(as_text=True)
    assert f'src="/courses/pictures/assets/images/{quote(NAME)}"' in page
    for name in (NAME, NFD):
        response = client.get(f"/courses/pictures/assets/images/{quote(name)}")
        assert response.status_code == 200, name
        assert response.data == PNG
