# expect: LEAK-CODE-PREPROCESS
import numpy as np
from tensorflow.keras.layers import Dense
from tensorflow.keras.models import Sequential

X = np.load("images_flat.npy").astype("float32")
y = np.load("labels.npy")
X = (X - X.mean()) / X.std()  # LEAK
n_val = 1000
x_val, y_val = X[:n_val], y[:n_val]
x_tr, y_tr = X[n_val:], y[n_val:]
net = Sequential([Dense(64, activation="relu"), Dense(10, activation="softmax")])
net.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
net.fit(x_tr, y_tr, epochs=5, validation_data=(x_val, y_val))
