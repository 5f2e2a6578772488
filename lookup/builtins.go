package lookup

// builtins are the plugins NewRegistry installs, by short name.
func builtins() map[string]Plugin {
	return map[string]Plugin{
		"config":              PluginFunc(configLookup),
		"csvfile":             PluginFunc(csvfileLookup),
		"dict":                PluginFunc(dictLookup),
		"env":                 PluginFunc(envLookup),
		"file":                PluginFunc(fileLookup),
		"url":                 PluginFunc(urlLookup),
		"fileglob":            PluginFunc(fileglobLookup),
		"flattened":           PluginFunc(flattenedLookup),
		"first_found":         PluginFunc(firstFoundLookup),
		"indexed_items":       PluginFunc(indexedItemsLookup),
		"inventory_hostnames": PluginFunc(inventoryHostnamesLookup),
		"ini":                 PluginFunc(iniLookup),
		"items":               PluginFunc(itemsLookup),
		"lines":               PluginFunc(linesLookup),
		"list":                PluginFunc(listLookup),
		"nested":              PluginFunc(nestedLookup),
		"password":            PluginFunc(passwordLookup),
		"pipe":                PluginFunc(pipeLookup),
		"random_choice":       PluginFunc(randomChoiceLookup),
		"sequence":            PluginFunc(sequenceLookup),
		"subelements":         PluginFunc(subelementsLookup),
		"template":            PluginFunc(templateLookup),
		"together":            PluginFunc(togetherLookup),
		"unvault":             PluginFunc(unvaultLookup),
		"vars":                PluginFunc(varsLookup),
		"varnames":            PluginFunc(varnamesLookup),
	}
}
