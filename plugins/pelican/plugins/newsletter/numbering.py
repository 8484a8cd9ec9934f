"""Newsletter issue numbers: "Issue 3" is the third published article by date.

An article may set `Issue: 7` in its metadata (for a letter that skipped numbers);
two articles with the same number are a content error.
"""

from __future__ import annotations

from plugin_core import problems


def number_issues(articles: list) -> None:
    """Give every article an `issue_number` (int); explicit metadata wins."""
    by_date = sorted(articles, key=lambda article: (article.date, article.source_path))
    taken: dict[int, object] = {}
    next_number = 1
    for article in by_date:
        explicit = article.metadata.get("issue")
        if explicit is not None:
            try:
                number = int(str(explicit).strip())
            except ValueError:
                problems.report(
                    article.relative_source_path, 1, f"'Issue: {explicit}' must be a whole number"
                )
                number = next_number
        else:
            number = next_number
        if number in taken:
            problems.report(
                article.relative_source_path,
                1,
                f"issue number {number} is used twice (also by "
                f"{taken[number].relative_source_path}); set a different 'Issue:'",
            )
        taken[number] = article
        article.issue_number = number
        next_number = max(next_number, number + 1)


def link_neighbours(articles: list) -> None:
    """Set `prev_article` (the issue before) and `next_article` (the one after) for navigation."""
    ordered = sorted(articles, key=lambda article: (article.issue_number, article.date))
    for index, article in enumerate(ordered):
        article.prev_article = ordered[index - 1] if index > 0 else None
        article.next_article = ordered[index + 1] if index + 1 < len(ordered) else None
