# expect: none
import torch
from torch.utils.data import TensorDataset, random_split

X = torch.randn(1000, 8)
y = torch.randint(0, 2, (1000,))
train_ds, val_ds = random_split(TensorDataset(X, y), [800, 200])
Xtr = X[train_ds.indices]
mean, std = Xtr.mean(dim=0), Xtr.std(dim=0)
Xtr_n = (Xtr - mean) / std
Xva_n = (X[val_ds.indices] - mean) / std
