# expect: LEAK-CODE-PREPROCESS
import numpy as np
from sklearn.model_selection import train_test_split
from tensorflow.keras import layers

X = np.load("X.npy")
y = np.load("y.npy")
norm = layers.Normalization()
norm.adapt(X)
X = norm(X)
X_train, X_test, y_train, y_test = train_test_split(X, y)
