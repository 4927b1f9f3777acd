"""Events as a real site sends them, shared by the tests and the benchmarks."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.support.tabs import Tab

# A shop's 'Product List Viewed': ~3 KB of JSON with the keys and catalogue names repeating and
# SKUs and prices varying, so compression does what it would do with real events, no better.
QUEUE_PRODUCT_LISTS = """(count) => {
    const catalogue = ['Trail Shoe', 'Rain Jacket', 'Wool Socks', 'Day Pack', 'Headlamp'];
    let bytes = 0;
    for (let i = 0; i < count; i++) {
      const products = Array.from({length: 18}, (_, j) => ({
        product_id: 'SKU-' + (100000 + i * 37 + j * 101),
        name: catalogue[(i + j) % catalogue.length] + ' ' + (j % 4 + 1),
        category: 'Outdoor/' + catalogue[j % catalogue.length],
        price: Math.round(Math.random() * 20000) / 100,
        position: j + 1,
      }));
      const properties = {list_id: 'search-' + i, products};
      bytes += JSON.stringify(properties).length + 700;  // + what the event itself adds
      analytics.track('Product List Viewed', properties);
    }
    return bytes;
}"""


def queue_product_lists(page: Page | Tab, count: int) -> int:
    """`count` track calls of ~3 KB each; returns about how many bytes of events they make."""
    return page.evaluate(QUEUE_PRODUCT_LISTS, count)


def wait_until_compressed(page: Page | Tab, count: int) -> None:
    """Until the packer has gzipped ``count`` queued events, as it does within milliseconds of
    the calls: a visitor leaving later than that takes every one with them. (Left sooner, what
    does not fit the browser's keepalive budget stays for the next visit; ./dev bench measures
    that case.) Reads the library's own state, as nothing on the page shows it."""
    page.wait_for_function(
        "analytics.segment.exit.packer.members.reduce((n, member) => n + member.items.length, 0)"
        f" >= {count}"
    )
