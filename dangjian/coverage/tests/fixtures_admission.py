"""Objects of the coverage work's admission part for tests and for the authorization matrix."""


def matrix_samples(personas):
    """For the authorization matrix: objects of 滨河社区党委's area, by the kind names the matrix uses."""
    return {}
