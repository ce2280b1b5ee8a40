// Package wordpress lists a magazine's posts of a week through the
// WordPress REST API, /wp-json/wp/v2/posts?after=…&before=…&_embed,
// following its pages, as post.Post values: the author, categories, tags
// and featured image come embedded in the same answer.
package wordpress
