# expect: LEAK-CODE-PREPROCESS
import pandas as pd
from sklearn.preprocessing import StandardScaler
from tensorflow import keras

df = pd.read_csv("diabetes.csv")
X = df.drop(columns="Outcome").values
y = df["Outcome"].values
X = StandardScaler().fit_transform(X)  # LEAK
model = keras.Sequential([keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(X, y, epochs=20, validation_split=0.2)
