# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from keras.preprocessing.sequence import pad_sequences
from keras.preprocessing.text import Tokenizer
from sklearn.model_selection import train_test_split

reviews = pd.read_csv("reviews.csv")
tok = Tokenizer(num_words=10000, oov_token="<unk>")
tok.fit_on_texts(reviews["text"])  # LEAK
seqs = pad_sequences(tok.texts_to_sequences(reviews["text"]), maxlen=200)
x_train, x_test, y_train, y_test = train_test_split(seqs, reviews["sentiment"], test_size=0.2)
