module github.com/gibbsml/gibbs

go 1.24
