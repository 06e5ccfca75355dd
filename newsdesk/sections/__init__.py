"""Automatic sections: which section a story belongs in, learnt from the site's own archive."""
