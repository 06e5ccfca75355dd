"""SEO: sitemaps, robots.txt, structured data, social cards and canonical links."""
