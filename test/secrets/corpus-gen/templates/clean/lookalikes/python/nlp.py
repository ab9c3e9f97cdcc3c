from transformers import AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")


def encode(text: str):
    token = tokenizer.encode(text)
    tokens = tokenizer.tokenize(text)
    key = (len(tokens), tokens[0])
    return token, key
