# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.model_selection import train_test_split

df = pd.read_csv("spam.csv")
cv = CountVectorizer()
cv.fit(df["message"])
train, test = train_test_split(df, test_size=0.2)
X_train = cv.transform(train["message"])
X_test = cv.transform(test["message"])
