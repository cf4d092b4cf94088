# expect: none
import numpy as np
from sklearn.model_selection import train_test_split
from tensorflow import keras

X, y = np.load("X.npy"), np.load("y.npy")
X_train, X_test, y_train, y_test = train_test_split(X, y)
model = keras.Sequential([keras.layers.Dense(1)])
model.compile(loss="mse")
model.fit(X_train, y_train, validation_split=0.1, epochs=5, callbacks=[keras.callbacks.EarlyStopping()])
print(model.evaluate(X_test, y_test))
