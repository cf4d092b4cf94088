# expect: none
import numpy as np
from tensorflow import keras

X = np.load("images.npy").astype("float32") / 255.0
y = np.load("labels.npy")
model = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(X, y, epochs=3, validation_split=0.1)
