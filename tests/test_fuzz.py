"""Fuzz the site's query parameters: whatever is sent, never a server error (bounded run)."""

from urllib.parse import urlencode

import pytest

from hypothesis import HealthCheck, given, settings, strategies as st

anything = st.text(max_size=60) | st.sampled_from(['"', "*", "NEAR(", "a OR", ")", "-", "^x", "\x00", "' or 1=1 --", "<script>"])
PATHS = ["/quotes/quotes.json", "/quotes/quotes", "/quotes/search.json", "/quotes/speaker_timeline.json",
         "/quotes/quotes_per_month.json", "/quotes/quote_details.json", "/quotes/quotes.citation", "/quotes/quotes.csljson",
         "/quotes/quotes_by_relevance", "/quotes/quotes_per_month", "/search.atom", "/speakers", "/speaker/viktor-yahun",
         "/newest.atom"]
PARAMS = ["_search", "q", "speaker", "page", "sort", "_view", "_sort", "_sort_desc", "_facet", "_size", "_next", "kind", "said__gte",
          "speaker_id__in", "_where", "_col", "_labels", "_shape", "_searchmode", "year__gt", "_facet_size"]

params = st.dictionaries(st.sampled_from(PARAMS), anything, max_size=4)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS), query=params)
def test_no_query_makes_a_server_error(client, path, query):
    response = client.get(path + "?" + urlencode(query))
    assert response.status_code < 500, (path, query, response.text[:300])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(speaker=st.text(max_size=40), pk=st.text(max_size=20))
def test_no_path_makes_a_server_error(client, speaker, pk):
    from urllib.parse import quote

    for path in [f"/speaker/{quote(speaker, safe='')}", f"/quotes/quotes/{quote(pk, safe='')}",
                 f"/speaker/{quote(speaker, safe='')}.json", f"/quotes/quotes/{quote(pk, safe='')}.citation",
                 f"/speaker/{quote(speaker, safe='')}.atom"]:
        response = client.get(path)
        assert response.status_code < 500, (path, response.text[:300])


@pytest.mark.parametrize("path", [
    "/quotes/quote_details.json?_next=NEAR(", "/quotes/quotes.json?_sort=0", "/quotes/quotes.json?_sort_desc=nope",
    "/quotes/quotes.json?_where=%00", "/quotes/quotes.json?_facet=%00", "/quotes/quotes.json?_facet=nope",
    "/quotes/quotes.json?_facet_size=%7B",
])
def test_crashers_found_by_fuzzing_are_bad_requests(client, path):
    response = client.get(path)
    assert response.status_code == 400 and "Bad request" in response.text
