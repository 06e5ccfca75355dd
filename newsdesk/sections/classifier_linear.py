"""Word and character TF-IDF with a linear SVM: the section model that needs only scikit-learn."""

import numpy as np


class LinearTextModel:
    """Turns texts into class probabilities with TF-IDF features and a calibrated linear SVM."""

    def __init__(self, pipeline, labels):
        self.pipeline = pipeline
        self.labels = labels

    @classmethod
    def train(cls, texts, labels, *, svm_c=0.5, char_ngrams=(2, 5), calibration_folds=3, seed=0):
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_pipeline, make_union
        from sklearn.svm import LinearSVC

        # Words carry the topic; character n-grams catch names, numbers and
        # inflections that a 5,000-story archive sees only once or twice.
        features = make_union(
            TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)),
            TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=char_ngrams, min_df=2),
        )
        svm = LinearSVC(C=svm_c, random_state=seed)
        # A section with fewer stories than folds cannot be calibrated by
        # cross-validation; a tiny archive still gets a model.
        smallest = min(np.unique(labels, return_counts=True)[1])
        folds = min(calibration_folds, int(smallest))
        classifier = CalibratedClassifierCV(svm, cv=folds) if folds >= 2 else svm
        pipeline = make_pipeline(features, classifier)
        pipeline.fit(list(texts), list(labels))
        return cls(pipeline, [str(label) for label in pipeline.classes_])

    def probabilities(self, texts):
        """One row per text, one column per label in `self.labels` order."""
        estimator = self.pipeline[-1]
        if hasattr(estimator, "predict_proba"):
            return self.pipeline.predict_proba(list(texts))
        return softmax(self.pipeline.decision_function(list(texts)), len(self.labels))


def softmax(scores, classes):
    scores = np.asarray(scores, dtype=float)
    if scores.ndim == 1:
        # Two classes: scikit-learn gives one margin for the second class.
        scores = np.column_stack([-scores, scores]) if classes == 2 else scores[:, None]
    scores = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)
