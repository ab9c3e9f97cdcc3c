package planproto

type Plan struct {
	Variables map[string]*DynamicValue `protobuf:"bytes,2,rep,name=variables,proto3" json:"variables,omitempty" protobuf_key:"bytes,1,opt,name=key" protobuf_val:"bytes,2,opt,name=value"`
	Flatmap   map[string]string        `protobuf:"bytes,3,rep,name=flatmap,proto3" json:"flatmap,omitempty" protobuf_key:"bytes,1,opt,name=key,proto3" protobuf_val:"bytes,2,opt,name=value,proto3"`
}

const TimeoutKey = "e2bfb730-ecaa-11e6-8f88-34363bc7c4c0"

func credentials() (string, string) {
	user, password := os.Getenv("DB_USER"), os.Getenv("DB_PASSWORD")
	return user, password
}
