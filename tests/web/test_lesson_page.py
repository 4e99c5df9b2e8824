"""What a lesson page shows: key points first, Norwegian words, pictures, and sources for staff."""

import re


def test_lesson_starts_with_three_key_points(fixture_site):
    page = fixture_site.test_client().get("/modules/home/keys?lang=en").get_data(as_text=True)
    points = page.split('class="key-points"')[1].split("</section>")[0]
    assert re.findall(r"<li>(.*?)</li>", points) == ["Point one en.", "Point two en.",
                                                     "Point three en."]
    assert page.index('class="key-points"') < page.index("Keep your")
    assert "About 1 min to read" in page


def test_glossary_shows_the_norwegian_word_beside_the_explanation(fixture_site):
    page = fixture_site.test_client().get("/modules/home/keys?lang=en").get_data(as_text=True)
    assert re.search(r'<dt lang="nb" dir="ltr"><span>nøkkel</span>[^<]*<button[^>]*>.*?</button>'
                     r'</dt><dd>Key en. You open the door with it.</dd>', page)
    assert '<dt lang="nb" dir="ltr"><span>utleier</span>' in page


def test_picture_question_shows_its_picture_with_alt_text(fixture_site):
    page = fixture_site.test_client().get("/modules/home/keys?lang=nb").get_data(as_text=True)
    assert re.search(r'<img class="question-image" src="/course-media/home/key.svg" '
                     r'alt="An old key nb"', page)


def test_sources_are_for_staff_not_participants(fixture_site, factory, client_for):
    group = factory.group()
    factory.user("amina", group=group)
    factory.user("tove", role="teacher", secret="teacher-pass-1", organisation=group.organisation)
    visitor = fixture_site.test_client().get("/modules/home/keys").get_data(as_text=True)
    assert "Husleieloven § 5-3" not in visitor
    participant = client_for(fixture_site)
    participant.login("amina", "482915")
    assert "Husleieloven § 5-3" not in participant.get("/modules/home/keys").get_data(as_text=True)
    teacher = client_for(fixture_site)
    teacher.login("tove", "teacher-pass-1")
    assert "Husleieloven § 5-3" in teacher.get("/modules/home/keys").get_data(as_text=True)
