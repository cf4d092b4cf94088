# expect: LEAK-CODE-PREPROCESS
import numpy as np
import tensorflow as tf
from sklearn.model_selection import train_test_split

texts = np.load("tweets.npy", allow_pickle=True)
labels = np.load("tweet_labels.npy")
vectorizer = tf.keras.layers.TextVectorization(max_tokens=20000, output_sequence_length=64)
vectorizer.adapt(texts)  # LEAK
X = vectorizer(texts).numpy()
X_tr, X_te, y_tr, y_te = train_test_split(X, labels)
