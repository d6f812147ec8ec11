"""Category classifier (诉求分类) over the level-1 categories of the taxonomy.

`model.CategoryModel` is the classifier, `seed` builds the project's own
training data, `retrain` adapts it to a city's archive of historical cases,
and `bot.components.category.CategoryClassifier` runs it inside Rasa.
"""
