"""analysis: what the official rules and our own checks say about a Dataset for a fiscal year —
grading (progress rates and grades), audit (published figures against their arithmetic), outlook
(trends) and changes between years. Tidy pandas tables out; no display."""
