# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import MultinomialNB

reviews = pd.read_csv("reviews.csv")
vec = TfidfVectorizer(max_features=5000)
X = vec.fit_transform(reviews["text"])
X_train, X_test, y_train, y_test = train_test_split(X, reviews["sentiment"])
nb = MultinomialNB().fit(X_train, y_train)
print(nb.score(X_test, y_test))
