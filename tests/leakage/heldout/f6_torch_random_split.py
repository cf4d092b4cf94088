# expect: LEAK-CODE-PREPROCESS
import torch
from torch.utils.data import DataLoader, TensorDataset, random_split

X = torch.load("features.pt") if False else torch.randn(1000, 8)
y = torch.randint(0, 2, (1000,))
X = (X - X.mean(dim=0)) / X.std(dim=0)  # LEAK
dataset = TensorDataset(X, y)
train_ds, val_ds = random_split(dataset, [800, 200])
train_loader = DataLoader(train_ds, batch_size=32)
val_loader = DataLoader(val_ds, batch_size=32)
