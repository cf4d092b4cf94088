# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.model_selection import train_test_split
from tensorflow.keras.preprocessing.text import Tokenizer

df = pd.read_csv("tweets.csv")
tok = Tokenizer(num_words=10000)
tok.fit_on_texts(df["text"])
seqs = tok.texts_to_sequences(df["text"])
X_train, X_test, y_train, y_test = train_test_split(seqs, df["label"])
