"""What explains and checks backpropagation, on top of the core.

The walk-through of one step (``walkthrough``, written out by ``layout`` as
text and by ``typeset`` as Markdown, drawn by ``display``), the gradient
check against finite differences (``gradcheck``) and the per-sample,
component-wise reference it and the tests compare with (``reference``).
These modules import the core; the core never imports them.
"""
