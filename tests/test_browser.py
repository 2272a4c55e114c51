"""The real pages in headless Chromium (Debian's, driven by Playwright): what a visitor sees.

Every test fails on an uncaught error, a console error or a response of 400 or above.
Screenshots are saved in test-artifacts/ for a person to look at.
"""

import pytest
from playwright.sync_api import sync_playwright

from conftest import ROOT, start_server

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def server(seed_db, tmp_path_factory):
    """`python -m quotedb serve`, the command `./run serve` ends in, on a free port."""
    process, url = start_server(seed_db, tmp_path_factory.mktemp("serve") / "serve.log")
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def problems():
    """What went wrong in the browser while a test ran; each test fails unless it stays empty."""
    return []


def watch(page, problems, server):
    """Record uncaught errors, console errors, answers of 400 or above, and any request
    to another site (the site must work offline) in `problems`."""
    page.on("pageerror", lambda error: problems.append(f"uncaught error on {page.url}: {error.stack or error}"))
    page.on("console", lambda message: problems.append(f"console error on {page.url}: {message.text}")
            if message.type == "error" else None)
    page.on("response", lambda response: problems.append(f"{response.status} for {response.url}")
            if response.status >= 400 else None)
    page.on("request", lambda request: problems.append(f"request to another site: {request.url}")
            if not request.url.startswith((server + "/", "data:", "about:")) else None)
    return page


@pytest.fixture
def page(browser, problems, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = watch(context.new_page(), problems, server)
    yield page
    context.close()
    assert problems == [], problems


def test_browser_problems_are_caught(page, problems, server):
    """The listeners work: a stylesheet answering 404, a console error, an uncaught error and
    a request to another site (another loopback address: no traffic leaves the machine) are all seen."""
    page.goto(server + "/quotes")
    with page.expect_response("**/-/static/missing.css"):
        page.evaluate("""() => {
            const link = document.createElement('link');
            link.rel = 'stylesheet';
            link.href = '/-/static/missing.css';
            document.head.appendChild(link);
        }""")
    page.evaluate("console.error('something broke')")
    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = "throw new Error('thrown by a script')";
        document.head.appendChild(script);
    }""")
    page.evaluate("""() => { const img = new Image(); img.src = 'http://127.0.0.2:9/x.png'; document.body.appendChild(img); }""")
    page.wait_for_timeout(200)
    expected = {f"404 for {server}/-/static/missing.css", f"console error on {server}/quotes: something broke",
                "request to another site: http://127.0.0.2:9/x.png"}
    assert expected <= set(problems), problems
    assert any("thrown by a script" in p for p in problems), problems
    problems.clear()


def cards(page):
    return page.locator("ol.quote-results li.quote-card")


def test_a_column_search_marks_its_words_in_that_field_only(page, server):
    page.goto(server + "/quotes/quotes?_search_text=munitions")
    assert cards(page).count() >= 1
    assert page.locator("h2.results-count").inner_text() == "1 quote whose words match “munitions”"
    assert set(page.locator("ol.quote-results blockquote mark").all_inner_texts()) == {"munitions"}
    assert page.locator("ol.quote-results figcaption mark").count() == 0
    page.goto(server + "/quotes/quotes?_search_speaker=Nabenzia")
    assert page.locator("h2.results-count").inner_text() == "2 quotes whose speaker matches “Nabenzia”"
    assert set(page.locator("ol.quote-results .quote-who mark").all_inner_texts()) == {"Nabenzia"}
    assert page.locator("ol.quote-results blockquote mark").count() == 0
    page.goto(server + "/quotes/quotes?_search_text=the")  # the word, not there, their or they
    marks = page.locator("ol.quote-results blockquote mark").all_inner_texts()
    assert marks and {mark.lower() for mark in marks} == {"the"}
    page.goto(server + "/quotes/quotes?_search_text=munition")  # as stemming finds it
    assert page.locator("ol.quote-results blockquote mark").all_inner_texts() == ["munitions"]
    page.goto(server + "/quotes/quotes?_search=munitions&_search_text=munitions")  # marked once, not nested
    assert page.locator("ol.quote-results mark mark").count() == 0
    assert page.locator("ol.quote-results blockquote mark").count() >= 1


def test_search_results_are_quotation_cards_with_marked_matches(page, server):
    page.goto(server + "/quotes/quotes")
    assert page.locator(".facet-info").count() >= 5
    assert page.locator(".facet-info[data-column=kind] li").count() == 3
    # the column descriptions are folded away, the cards come first
    assert not page.locator("details.more-tools").evaluate("d => d.open")
    assert not page.get_by_text("The exact words as printed").is_visible()
    page.fill("#quote-search-input", "Nabenzia")
    page.press("#quote-search-input", "Enter")
    page.wait_for_url("**_search=Nabenzia**")
    assert cards(page).count() == 2
    assert page.locator("h2.results-count").inner_text() == "2 quotes matching “Nabenzia”"
    marks = page.locator("ol.quote-results mark").all_inner_texts()
    assert marks and set(marks) == {"Nabenzia"}
    first = cards(page).first
    assert first.locator(".quote-when").inner_text() == "31 December 2023 (“last Sunday”)"
    assert first.locator(".quote-kind").inner_text() == "full quote"
    assert first.locator(".quote-venue").inner_text() == "UN Security Council meeting"
    assert "World Socialist Web Site: Ukraine continues strikes on Russian city of Belgorod, 7 January 2024" in \
        first.locator(".quote-source").inner_text()
    assert first.locator(".quote-who a").get_attribute("href") == "/speaker/vassily-nebenzia"
    page.screenshot(path=ARTIFACTS / "search-nabenzia.png", full_page=True)
    page.click(".facet-info[data-column=kind] a:has-text('full')")
    page.wait_for_url("**kind=full**")
    assert cards(page).count() == 1
    assert "used cluster munitions" in cards(page).inner_text()
    assert page.locator("ul.filter-chips").inner_text().startswith("Kind: full")


def test_dates_are_written_for_people(page, server):
    page.goto(server + "/quotes/quotes?speaker_id=valerii-zaluzhnyi")
    assert cards(page).locator(".quote-when").all_inner_texts() == [
        "November 2023 (“in November”)", "date unknown", "date unknown"]
    page.goto(server + "/quotes/quotes?speaker_id=volodymyr-zelensky")
    assert cards(page).locator(".quote-when").inner_text() == "date unknown (Prior to the Christmas holiday)"


def test_newest_and_best_match_first_and_the_plain_table(page, server):
    page.goto(server + "/quotes/quotes?_search=people")
    newest = [card.get_attribute("href") for card in cards(page).locator(".quote-card-link").all()]
    assert newest == sorted(newest, key=lambda href: -int(href.rsplit("/", 1)[1]))
    page.click("a:has-text('best match first')")
    page.wait_for_url("**/quotes/quotes_by_relevance?_search=people")
    assert page.locator("h1").inner_text() == "Quotes, best matches first"
    assert cards(page).count() == len(newest)
    assert page.locator(".sort-switch strong").inner_text() == "best match first"
    page.click("a:has-text('newest first')")
    page.wait_for_url("**/quotes/quotes?_search=people")
    page.click("a:has-text('Show as a table')")
    page.wait_for_url("**_view=table**")
    assert page.locator("table.rows-and-columns tbody tr").count() == len(newest)
    page.click("a:has-text('Show the quotes as quotation cards')")
    page.wait_for_url("**/quotes/quotes?_search=people")
    page.wait_for_load_state("load")
    assert cards(page).count() == len(newest)


def test_pages_without_a_rows_table_raise_no_error(page, server):
    """datasette-vega throws on a page with a JSON link and no rows table; our script keeps
    it away from such pages (the `page` fixture fails the test on any uncaught error)."""
    for path in ["/quotes/quotes?_search=zzzznothing", "/quotes/quotes?_search=zzzznothing&_view=table",
                 "/quotes/speakers?name=nobody", "/quotes/quotes?_search=%3Cimg%20src%3Dx%20onerror%3Dwindow.hacked%3D1%3E"]:
        page.goto(server + path)
        page.wait_for_load_state("load")
        assert page.evaluate("window.hacked") is None
    assert page.locator("#quote-search-input").input_value() == "<img src=x onerror=window.hacked=1>"
    page.goto(server + "/quotes/speakers")  # with rows, datasette-vega's chart tool is there
    page.wait_for_selector("text=Show charting options")


def bars_drawn(page):
    """The number of bars of the page's chart that have a height on screen."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('svg.bar-chart rect.bar'))
        .filter(bar => bar.getBoundingClientRect().height > 0).length""")


@pytest.mark.parametrize("path,bars", [
    ("/quotes/quotes_per_month", 3),
    ("/quotes/quotes_per_month?speaker=", 3),
    ("/quotes/quotes_per_month?speaker=john-kirby", 1),  # one month: datasette-vega draws nothing
    ("/speaker/vassily-nebenzia", 1),
    ("/speaker/viktor-yahun", 0),  # no quote with a known month: no chart, and says so
])
def test_charts_are_drawn_from_their_plain_urls(page, server, path, bars):
    page.goto(server + path)
    assert bars_drawn(page) == bars
    if not bars:
        assert page.get_by_text("No quote with a known month.").is_visible()


def test_the_chart_links_lead_to_drawn_charts(page, server):
    page.goto(server + "/quotes")
    page.click("text=Quotes per month (chart)")
    page.wait_for_url("**/quotes/quotes_per_month")
    assert bars_drawn(page) == 3
    page.screenshot(path=ARTIFACTS / "quotes-per-month-chart.png", full_page=True)


def test_speaker_page_renders(page, server):
    page.goto(server + "/quotes/quotes/19")
    page.click("figcaption a:has-text('Vassily Nebenzia')")
    page.wait_for_url("**/speaker/vassily-nebenzia")
    assert page.locator("h1").inner_text() == "Vassily Nebenzia"
    assert "Nabenzia" in page.locator("ul.aliases").inner_text()
    assert bars_drawn(page) == 1
    assert page.locator("ol.speaker-quotes li.quote-card").count() == 2
    assert page.locator("table.speaker-roles td").first.inner_text() == "Russian ambassador to the UN"
    assert "World Socialist Web Site" in page.locator("ul.outlets").inner_text()


def test_speaker_roles_on_a_phone_say_what_each_value_is(browser, server):
    """At 390 px the roles table is stacked and its headings hidden: each value is labelled."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + "/speaker/vassily-nebenzia")
    assert not page.locator("table.speaker-roles thead").is_visible()
    labels = page.evaluate("""() => [...document.querySelectorAll('table.speaker-roles tbody tr:first-child td')]
        .map(cell => getComputedStyle(cell, '::before').content)""")
    context.close()
    assert labels[1:] == ['"When said: "', '"Quotes: "'] and labels[0] in ("none", "normal")


def test_speakers_list(page, server):
    page.goto(server + "/speaker/")
    page.wait_for_url("**/speakers")
    items = page.locator("ol.speakers-list li")
    assert items.count() == 14
    page.click("a:has-text('number of quotes')")
    page.wait_for_url("**/speakers?sort=quotes")
    assert items.first.inner_text().startswith("Viktor Yahun 5 quotes")
    page.click("ol.speakers-list a:has-text('John Kirby')")
    page.wait_for_url("**/speaker/john-kirby")


def test_citation_and_download_links(page, server):
    page.goto(server + "/quotes/quotes/19")
    href = page.locator("a[href$='19.citation']").first.get_attribute("href")
    citation = page.request.get(server + href)
    assert citation.ok and citation.text().startswith("> “In order to increase")
    lasting = page.locator(".stable-link a")
    assert lasting.get_attribute("href") in citation.text()  # the citation gives the lasting link
    with page.expect_response(lambda response: "/quote/" in response.url) as redirect:
        lasting.click()
    assert redirect.value.status == 302
    page.wait_for_url("**/quotes/quotes/19")  # which leads back here
    page.goto(server + "/quotes")
    href = page.locator("a[href$='quotes.db']").first.get_attribute("href")
    download = page.request.get(server + href)
    assert download.ok and download.body()[:16] == b"SQLite format 3\x00"


def parse_feed(text):
    import xml.etree.ElementTree as ET

    root = ET.fromstring(text)
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.tag == f"{atom}feed"
    return root, atom


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_search_read_follow_and_cite_nebenzia(browser, problems, server, viewport):
    """The issue's 'done': open /, search "Nabenzia", read Nebenzia's quotes as cards, open
    his page and see his chart, follow his feed, copy a citation; on a laptop and a phone."""
    context = browser.new_context(viewport=viewport)
    page = watch(context.new_page(), problems, server)
    page.goto(server + "/")
    page.get_by_label("Search the quotes").fill("Nabenzia")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/quotes/quotes?_search=Nabenzia")
    assert cards(page).count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    feed = page.locator("a.feed-link").get_attribute("href")
    assert feed == "/search.atom?q=Nabenzia"
    root, atom = parse_feed(page.request.get(server + feed).text())
    assert len(root.findall(f"{atom}entry")) == 2
    cards(page).first.locator(".quote-who a").click()
    page.wait_for_url("**/speaker/vassily-nebenzia")
    assert bars_drawn(page) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    feed = page.locator("a.feed-link").get_attribute("href")
    response = page.request.get(server + feed)
    assert response.ok and response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    root, atom = parse_feed(response.text())
    assert [entry.find(f"{atom}title").text for entry in root.findall(f"{atom}entry")][0].startswith("Vassily Nebenzia: In order")
    page.locator("ol.speaker-quotes .quote-card-link").first.click()
    page.wait_for_url("**/quotes/quotes/19")
    citation = page.request.get(server + page.locator("a[href$='19.citation']").first.get_attribute("href"))
    assert citation.text().startswith("> “In order to increase")
    context.close()
    assert problems == [], problems


def test_everything_by_keyboard(page, server):
    """Search from the home page, open a result's speaker, and reach the speaker's chart
    data and feed, with the keyboard alone."""

    def tab_to(predicate, limit=200):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(predicate):
                return
        raise AssertionError(f"never reached by Tab: {predicate}")

    page.goto(server + "/")
    tab_to("document.activeElement.id === 'home-search-input'")
    page.keyboard.type("Nabenzia")
    page.keyboard.press("Enter")
    page.wait_for_url("**/quotes/quotes?_search=Nabenzia")
    tab_to("document.activeElement.closest('.quote-who') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url("**/speaker/vassily-nebenzia")
    tab_to("document.activeElement.classList.contains('feed-link')")
    tab_to("document.activeElement.tagName === 'SUMMARY' && document.activeElement.closest('.chart-data') !== null")
    page.keyboard.press("Enter")
    assert page.locator("table.chart-table").is_visible()
    page.goto(server + "/quotes/quotes?_search=Nabenzia")
    tab_to("document.activeElement.textContent === 'best match first'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/quotes/quotes_by_relevance?_search=Nabenzia")


def test_home_page_search_lands_on_the_quotes(page, server):
    page.goto(server + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("li.quote-card figure.quote").count() == 6
    page.get_by_label("Search the quotes").fill("Nabenzia")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/quotes/quotes?_search=Nabenzia")
    assert cards(page).count() == 2
    page.goto(server + "/")
    page.click("#home-speakers + ol a:has-text('Vassily Nebenzia')")
    page.wait_for_url("**/speaker/vassily-nebenzia")
    page.goto(server + "/")
    page.click(".home-years a:has-text('2023')")
    page.wait_for_url("**/quotes/quotes?year=2023")
    assert cards(page).count() == 3


PAGE_TYPES = {
    "home": "/",
    "table": "/quotes/quotes",
    "search-results": "/quotes/quotes?_search=Nabenzia",
    "best-match-first": "/quotes/quotes_by_relevance?_search=people",
    "no-match": "/quotes/quotes?_search=zzzznothing",
    "plain-table": "/quotes/quotes?_search=Nabenzia&_view=table",
    "speaker": "/speaker/vassily-nebenzia",
    "speakers": "/speakers",
    "quote": "/quotes/quotes/19",
    "chart-query": "/quotes/quotes_per_month?speaker=",
    "search-query": "/quotes/search?q=munitions",
    "database": "/quotes",
    "other-table": "/quotes/speakers",
}


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_pages_fit_a_phone_have_no_serious_accessibility_problem_and_are_saved(browser, problems, server, name):
    """At 390 px wide no page scrolls sideways; axe-core finds no violation rated serious or
    critical, on a desktop and on a phone; desktop (1280x900) and phone (390x844)
    screenshots of each page type go to test-artifacts/ for a person to look at."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for label, viewport in [("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})]:
        context = browser.new_context(viewport=viewport)
        page = watch(context.new_page(), problems, server)
        page.goto(server + PAGE_TYPES[name])
        page.wait_for_load_state("load")
        assert page.locator("html").get_attribute("lang") == "en"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{name} is {width} px wide at {viewport['width']} px"
        violations = [
            (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]][:3])
            for violation in axe.run(page).response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        assert violations == [], f"{name} ({label}): {violations}"
        page.screenshot(path=ARTIFACTS / f"{name}-{label}.png", full_page=True)
        context.close()
    assert problems == [], problems


def test_axe_finds_what_it_should(browser, server):
    """The accessibility check can fail: a page with an unlabelled input and grey-on-white
    text is reported."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    page.goto(server + "/speakers")
    page.evaluate("""() => {
        document.body.insertAdjacentHTML('beforeend', '<input type="text"><p style="color:#ccc;background:#fff">faint</p>');
    }""")
    found = {violation["id"] for violation in Axe().run(page).response["violations"]
             if violation["impact"] in ("serious", "critical")}
    page.close()
    assert {"label", "color-contrast"} <= found
