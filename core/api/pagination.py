from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N&page_size=M``; M is capped at 200 so no request reads an unbounded list."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
