"""The printed tables of a result version: ``result`` (投票结果统计表) and ``flats`` (分户结果统计表),
each as a PDF and an .xlsx, from the frozen ``Result.content``; ``common`` holds what they share.
``results.documents`` keeps and serves them."""
